"""Management of people and reference data (admins): accounts, teams, categories, closing days, causes, texts."""
from flask import render_template

from admin import bp
from admin.access import role_required


@bp.get("/manage")
@role_required("admin")
def manage_home():
    return render_template("admin/manage/home.html")
