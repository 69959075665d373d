"""Scheduled jobs' runs: the row that makes a job run once per period."""
from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class JobRun(db.Model):
    """A scheduled job's run for one period (a day, a month): the row is the lock and the proof it ran."""

    __tablename__ = "job_runs"
    __table_args__ = (db.UniqueConstraint("job", "period", name="uq_job_runs_job_period"),)

    id = db.Column(db.Integer, primary_key=True)
    job = db.Column(db.String(64), nullable=False)
    period = db.Column(db.String(32), nullable=False)
    started_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = db.Column(UTCDateTime, nullable=True)

    def __repr__(self):
        return f"<JobRun {self.job} {self.period}>"
