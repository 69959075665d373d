"""The staff side, mounted at /admin. Imports the domain from portal/, never the resident views or forms.

Each area is a package whose routes register on the one blueprint in admin.blueprint; importing them here
is what adds their pages.
"""
from admin import guards
from admin.audit import routes as audit_routes
from admin.auth import routes as auth_routes  # noqa: F401
from admin.blueprint import bp
from admin.callbacks import routes as callbacks_routes  # noqa: F401
from admin.figures import downloads as figures_downloads  # noqa: F401
from admin.figures import routes as figures_routes  # noqa: F401
from admin.letters import manage as letters_manage  # noqa: F401
from admin.letters import routes as letters_routes  # noqa: F401
from admin.management import reference_data, staff_accounts  # noqa: F401
from admin.outbox import routes as outbox_routes  # noqa: F401
from admin.privacy import routes as privacy_routes  # noqa: F401
from admin.queues import routes as queues_routes  # noqa: F401
from admin.reports import routes as reports_routes  # noqa: F401

bp.before_request(guards.refuse_nul_bytes)
bp.before_request(guards.require_staff_login)
bp.before_request(audit_routes.remember_actor)  # after the log-in check: only staff who are let in
bp.after_request(guards.no_store)
bp.after_request(audit_routes.record_staff_action)

__all__ = ["bp"]
