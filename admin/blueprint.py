"""The staff side's one blueprint, mounted at /admin; each area's routes register on it."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
