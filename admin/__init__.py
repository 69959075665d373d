"""The staff side, mounted at /admin. Imports the domain from portal/, never the resident views.

Log-in, queues and report actions arrive with the staff-side issue; for now the blueprint is empty.
"""
from flask import Blueprint

bp = Blueprint("admin", __name__)
