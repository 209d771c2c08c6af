"""``flask worker``: deliver the mail outbox and run the periodic jobs."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due, run the jobs that are due, exit.")
@click.option("--no-jobs", is_flag=True, help="Only deliver mail; leave the periodic jobs "
                                              "to other workers or to cron.")
@with_appcontext
def worker(once: bool, no_jobs: bool) -> None:
    """Deliver the mail outbox and run the periodic jobs until SIGTERM."""
    from participation.worker.runner import Worker

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("participation").setLevel(logging.INFO)
    app = current_app._get_current_object()
    runner = Worker(app, jobs=not no_jobs)
    if once:
        runner.run_once()
        return
    runner.install_signal_handlers()
    runner.run()


commands = [worker]
