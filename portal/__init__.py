"""Meldpunt: create_app is the only way the application comes to life."""
import logging
import os
import sys
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from portal import extensions

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    env_name = (test_config or {}).get("ENV_NAME") or os.environ.get("MELDPUNT_ENV", "development")
    # Templates, static files and catalogues live at the top level, beside the two packages.
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    _configure(app, env_name, test_config)
    _configure_logging()
    _init_extensions(app)
    _register_parts(app)
    return app


def _configure(app, env_name, test_config):
    app.config.from_object(config_module.config_for(env_name))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    app.config.from_prefixed_env()  # FLASK_* is read last, as CONTRACT.md promises.
    if test_config:
        app.config.update(test_config)
    config_module.check_production_settings(app.config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'meldpunt.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _configure_logging():
    """Meldpunt's log (errors with their traceback and request id) to standard error, where gunicorn, systemd's
    journal and `flask run` show it; an operator's own logging set-up, if any, is left as it is."""
    logger = logging.getLogger("meldpunt")
    if logger.hasHandlers():
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # a root handler added later (the scheduler's basicConfig) would print each line twice


def _init_extensions(app):
    from portal import models  # noqa: F401  (every model known to the metadata before anything queries)

    # Through the module: `portal.mail` is a package too, so its extension is never bound to that name here.
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(ROOT / "migrations"), render_as_batch=True)
    extensions.mail.init_app(app)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    extensions.login_manager.init_app(app)


def _register_parts(app):
    from admin import bp as admin_bp
    from portal import database, i18n, labels
    from portal.operations import cli
    from portal.web import errors, security, template_helpers, views

    i18n.init_app(app)
    labels.init_app(app)
    template_helpers.init_app(app)
    security.init_app(app)
    database.init_app(app)
    app.register_blueprint(views.bp)
    errors.init_app(app)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    cli.init_app(app)
