"""The staff side, mounted at /admin. Imports the domain from portal/, never the resident views or forms."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

# noqa below: the view modules register themselves on bp.
from admin import access, audit, auth, manage, privacy, queue, reports, stats, stats_export  # noqa: E402,F401

bp.before_request(access.refuse_nul_bytes)
bp.before_request(access.require_staff_login)
bp.after_request(access.no_store)
bp.after_request(audit.record_staff_action)
