"""The staff side, mounted at /admin. Imports the domain from portal/, never the resident views or forms."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from admin import access, auth, manage, privacy, queue, reports  # noqa: E402,F401  (views register themselves on bp)

bp.before_request(access.require_staff_login)
bp.after_request(access.no_store)
