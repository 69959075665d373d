"""A report's life: intake, workflow and history, follow-up, queues, the grade and retention."""
