"""Templates' globals: the same answers as Jinja's ChainMap, with a set for ``keys()``.

Every ``{% from ... import ... %}`` compares the page's globals with the imported
template's while the page renders (issue 16: a Python loop over every global, per import).
"""

from __future__ import annotations

from collections import ChainMap

from flask import render_template_string


def test_a_templates_globals_answer_as_jinjas_own(app):
    template = app.jinja_env.from_string("{{ x }}", globals={"own": 1})
    jinja = ChainMap({"own": 1}, app.jinja_env.globals)
    assert isinstance(template.globals.keys(), set)
    assert template.globals.keys() == set(jinja.keys())
    assert dict(template.globals) == dict(jinja)
    assert template.globals["own"] == 1 and template.globals["url_for"] is jinja["url_for"]


def test_imported_macros_see_the_globals_and_a_global_added_later(app):
    app.jinja_env.globals["added_later"] = "here"
    try:
        with app.test_request_context("/"):
            html = render_template_string(
                '{% from "_macros/forms.html" import honeypot %}'
                "{{ added_later }} {{ url_for('events.event_list') }} {{ honeypot is defined }}")
    finally:
        del app.jinja_env.globals["added_later"]
    assert html == "here /events True"
