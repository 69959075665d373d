"""The figures for the service report: periods, queries, targets, exports and charts."""
