"""The worker process: delivers the mail outbox and runs the periodic jobs.

``flask --app participation worker`` runs it (see :mod:`participation.worker.runner`); the
periodic jobs are listed in :mod:`participation.worker.jobs`, the one place to add one.
"""
