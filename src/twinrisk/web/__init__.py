"""The officers' web page: server-rendered Jinja2 templates and static CSS/JS shipped
in the package, served by the same app as the API (``twinrisk.service``).

The core flow (form, result, decision, history) works without JavaScript; a small
script adds place autocomplete from ``/v1/places``. It calls the same library
functions as the API: there is no second scoring path.
"""
