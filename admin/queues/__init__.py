"""The queues of reports for the KCC and for teams."""
