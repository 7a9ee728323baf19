"""The demo county (`manage.py seed_demo`) and the journey driver the demo and the tests share.

Nothing in the product imports this app: it only writes through the case file's public services
(cases.services), as a secretary, an officer or an import would."""
