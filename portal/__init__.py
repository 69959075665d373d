"""Meldpunt: create_app is the only way the application comes to life."""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from portal.extensions import csrf, db, limiter, login_manager, mail, migrate

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
    app.config.from_object(config_module.config_for(env_name))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    app.config.from_prefixed_env()  # FLASK_* is read last, as CONTRACT.md promises.
    if test_config:
        app.config.update(test_config)
    config_module.check_secret_key(app.config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'meldpunt.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from portal import i18n, labels, security, sqlite_setup, template_helpers

    i18n.init_app(app)
    labels.init_app(app)
    template_helpers.init_app(app)
    security.init_app(app)
    sqlite_setup.init_app(app)

    from portal import errors, views

    app.register_blueprint(views.bp)
    errors.init_app(app)

    from admin import bp as admin_bp

    app.register_blueprint(admin_bp, url_prefix="/admin")

    from portal import cli

    cli.init_app(app)
    return app
