"""The course's hardened steps of nbgrader's exchange, for a machine shared by Unix accounts
(hub/common/nbgrader_config.py plugs them in through nbgrader's ExchangeFactory)."""
