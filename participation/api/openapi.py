"""The OpenAPI 3.1 document of the public API; responses are tested against it."""

from __future__ import annotations

from flask import url_for

from participation.places.models import DISTRICTS

NULLABLE_STRING = {"type": ["string", "null"]}
DATETIME = {"type": "string", "format": "date-time"}

LANGUAGE = {"type": "string", "enum": ["nl", "en"]}


def bilingual(fields: tuple[str, ...]) -> dict:
    """The properties that give a content object's texts in both languages."""
    return {
        "text_languages": {
            "type": "object",
            "description": "The language each text above is written in: the requested one, "
            "or the other one when it was not written in the requested language. Mark text "
            "whose language differs from your page's with lang.",
            "properties": dict.fromkeys(fields, LANGUAGE),
            "additionalProperties": False,
        },
        "translations": {
            "type": "object",
            "description": "Every text as written in Dutch (nl) and English (en); null where "
            "it was not written in that language.",
            "required": ["nl", "en"],
            "properties": {
                lang: {
                    "type": "object",
                    "required": list(fields),
                    "properties": dict.fromkeys(fields, NULLABLE_STRING),
                    "additionalProperties": False,
                }
                for lang in ("nl", "en")
            },
            "additionalProperties": False,
        },
    }


EVENT_TEXTS = ("title", "summary", "description", "public_transport", "bike",
               "accessibility_notes")

EVENT_SUMMARY = {
    "type": "object",
    "required": [
        "slug", "title", "summary", "text_languages", "translations", "topic", "starts_at",
        "ends_at", "language", "status", "capacity", "places_left", "waiting_list_length",
        "url", "online",
    ],
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string", "description": "In the requested language, else the other"},
        "summary": {"type": "string"},
        **bilingual(("title", "summary")),
        "topic": {"type": "string"},
        "starts_at": DATETIME,
        "ends_at": DATETIME,
        "language": {"type": "string", "enum": ["nl", "en", "nl_en"],
                     "description": "The language spoken at the event (not of its texts)."},
        "status": {"type": "string", "enum": ["published", "cancelled"]},
        "venue_name": NULLABLE_STRING,
        "address": NULLABLE_STRING,
        "district": {"type": ["string", "null"], "enum": [*DISTRICTS, None],
                     "description": "Ghent district (wijk) of the venue, as its short name."},
        "geo": {
            "type": ["object", "null"],
            "required": ["latitude", "longitude"],
            "properties": {"latitude": {"type": "number", "minimum": -90, "maximum": 90},
                           "longitude": {"type": "number", "minimum": -180, "maximum": 180}},
            "additionalProperties": False,
            "description": "Coordinates of the venue (WGS 84).",
        },
        "online": {"type": "boolean",
                   "description": "The event can be followed online. The link itself is never "
                                  "public: only confirmed registrants (by mail and on their "
                                  "manage page) and the organisers receive it."},
        "capacity": {"type": ["integer", "null"], "minimum": 0,
                     "description": "Number of places; null means unlimited."},
        "places_left": {"type": ["integer", "null"], "minimum": 0},
        "waiting_list_length": {"type": "integer", "minimum": 0},
        "url": {"type": "string"},
    },
    "additionalProperties": False,
}

REGISTRATION_QUESTION = {
    "type": "object",
    "description": "A question of the event's registration form; the form field is named "
                   "by ``field``.",
    "required": ["field", "type", "label", "help", "required", "choices"],
    "properties": {
        "field": {"type": "string", "description": "The name of the form field."},
        "type": {"type": "string", "enum": ["short_text", "long_text", "one_choice",
                                            "several_choices", "yes_no", "number"]},
        "label": {"$ref": "#/components/schemas/Bilingual"},
        "help": {"oneOf": [{"$ref": "#/components/schemas/Bilingual"}, {"type": "null"}]},
        "required": {"type": "boolean"},
        "choices": {
            "type": "array",
            "description": "The options of a choice question, in order (empty otherwise); "
                           "``value`` is what the form field sends.",
            "items": {
                "type": "object",
                "required": ["value", "label"],
                "properties": {
                    "value": {"type": "string"},
                    "label": {"$ref": "#/components/schemas/Bilingual"},
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}

BILINGUAL = {
    "type": "object",
    "description": "A text in Dutch and English; ``en`` is null when no English was written.",
    "required": ["nl", "en"],
    "properties": {"nl": {"type": "string"}, "en": NULLABLE_STRING},
    "additionalProperties": False,
}

EVENT_DETAIL = {
    "type": "object",
    "required": EVENT_SUMMARY["required"] + [
        "description", "accessibility", "actions", "questions", "companions_allowed"],
    "properties": {
        **EVENT_SUMMARY["properties"],
        **bilingual(EVENT_TEXTS),
        "description": {"type": "string", "description": "Markdown"},
        "public_transport": NULLABLE_STRING,
        "bike": NULLABLE_STRING,
        "accessibility": {
            "type": "object",
            "required": ["step_free", "hearing_loop", "sign_language_on_request"],
            "properties": {
                "step_free": {"type": "boolean"},
                "hearing_loop": {"type": "boolean"},
                "sign_language_on_request": {"type": "boolean"},
                "notes": NULLABLE_STRING,
            },
        },
        "registration_opens_at": {"type": ["string", "null"], "format": "date-time"},
        "registration_closes_at": {"type": ["string", "null"], "format": "date-time"},
        "actions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "title"],
                "properties": {"code": {"type": "string"}, "title": {"type": "string"}},
            },
        },
        "questions": {
            "type": "array",
            "description": "The event's own questions on its registration form, in order.",
            "items": {"$ref": "#/components/schemas/RegistrationQuestion"},
        },
        "companions_allowed": {
            "type": "integer", "minimum": 0,
            "description": "How many people one registration may bring along (form field "
                           "``companions``); 0 when each person registers alone.",
        },
    },
    "additionalProperties": False,
}

COUNT = {"type": "integer", "minimum": 0}

ACTION = {
    "type": "object",
    "required": ["code", "title", "summary", "text_languages", "translations", "priority",
                 "status", "progress", "feedback_open", "url", "stance_counts", "opinions"],
    "properties": {
        "code": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        **bilingual(("title", "summary")),
        "priority": {"type": "string"},
        "status": {"type": "string", "enum": ["planned", "in_progress", "done"]},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "feedback_open": {"type": "boolean"},
        "url": {"type": "string"},
        "stance_counts": {
            "type": "object",
            "description": "Number of published opinions per stance. Anonymous: hidden "
            "opinions, texts and authors are never included.",
            "required": ["support", "mixed", "oppose"],
            "properties": {"support": COUNT, "mixed": COUNT, "oppose": COUNT},
            "additionalProperties": False,
        },
        "opinions": {**COUNT, "description": "Number of published opinions"},
    },
    "additionalProperties": False,
}

ACTION_DETAIL = {
    "type": "object",
    "required": [*ACTION["required"], "updates"],
    "properties": {
        **ACTION["properties"],
        "updates": {
            "type": "array",
            "description": "What the city reported back on the action, newest first.",
            "items": {
                "type": "object",
                "required": ["date", "status", "progress", "text", "text_languages",
                             "translations"],
                "properties": {
                    "date": DATETIME,
                    "status": {"type": "string", "enum": ["planned", "in_progress", "done"]},
                    "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                    "text": {"type": "string"},
                    **bilingual(("text",)),
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}

PRIORITY = {
    "type": "object",
    "required": ["slug", "title", "summary", "text_languages", "translations", "top_priority",
                 "document", "actions"],
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        **bilingual(("title", "summary")),
        "top_priority": {"type": "boolean"},
        "document": {
            "type": "object",
            "required": ["slug", "title"],
            "properties": {"slug": {"type": "string"}, "title": {"type": "string"}},
        },
        "actions": {"type": "array", "items": {"type": "string"}},
    },
}

ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
}

SCHEMAS = {
    "EventSummary": EVENT_SUMMARY,
    "EventDetail": EVENT_DETAIL,
    "RegistrationQuestion": REGISTRATION_QUESTION,
    "Bilingual": BILINGUAL,
    "EventPage": {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/EventSummary"}},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
        },
    },
    "Action": ACTION,
    "ActionDetail": ACTION_DETAIL,
    "ActionList": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Action"}}
        },
    },
    "Priority": PRIORITY,
    "PriorityList": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Priority"}}
        },
    },
    "Error": ERROR,
}


def _json(ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


#: Any text but a NUL byte, which the platform refuses everywhere with 400.
TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}

#: Years 2000 to 2199, the range the API accepts.
DAY_PATTERN = r"^2[01][0-9]{2}-[0-9]{2}-[0-9]{2}$"

EVENT_FILTERS = [
    _query("topic", TEXT, "Topic slug"),
    _query("date_from", {"type": "string", "format": "date", "pattern": DAY_PATTERN},
           "First day (Brussels time), 2000-01-01 to 2199-12-31"),
    _query("date_to", {"type": "string", "format": "date", "pattern": DAY_PATTERN},
           "Last day (Brussels time), 2000-01-01 to 2199-12-31"),
    _query("language", {"type": "string", "enum": ["nl", "en", "nl_en"]}, "Event language"),
    _query("free_places", {"type": "string", "enum": ["true", "false", "1", "0"]},
           "Only events with free places"),
    _query("q", {**TEXT, "maxLength": 100}, "Text search"),
    _query("district", {"type": "string", "enum": list(DISTRICTS)},
           "Ghent district (wijk) of the venue, as its short name"),
    _query("page", {"type": "integer", "minimum": 1, "maximum": 100000}, "Page number"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Page size"),
]


#: Every operation answers in the reader's language: ``lang``, else ``Accept-Language``.
READER_LANGUAGE = [
    _query("lang", LANGUAGE, "Language of the texts (title, summary...): over "
           "Accept-Language; a text not written in it comes in the other language, as "
           "text_languages says. Both are always in translations."),
    {"name": "Accept-Language", "in": "header", "required": False, "schema": TEXT,
     "description": "Used when lang is not given (nl or en; Dutch by default). The answer's "
                    "Content-Language says which was chosen."},
]


def _in_both_languages(operations: dict) -> dict:
    for path in operations.values():
        operation = path["get"]
        operation["parameters"] = [*operation.get("parameters", []), *READER_LANGUAGE]
        operation["responses"].setdefault("400", _json("Error", "A parameter could not be "
                                                                "understood"))
    return operations


def paths() -> dict:
    """Describe each path of the API."""
    return _in_both_languages({
        "/events": {
            "get": {
                "summary": "Published events",
                "operationId": "listEvents",
                "parameters": EVENT_FILTERS,
                "responses": {
                    "200": _json("EventPage", "A page of events"),
                    "400": _json("Error", "A filter could not be understood"),
                },
            }
        },
        "/events/{slug}": {
            "get": {
                "summary": "One event",
                "operationId": "getEvent",
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": TEXT}
                ],
                "responses": {
                    "200": _json("EventDetail", "The event"),
                    "404": _json("Error", "No published event has this slug"),
                },
            }
        },
        "/priorities": {
            "get": {
                "summary": "Priorities of every policy document",
                "operationId": "listPriorities",
                "responses": {"200": _json("PriorityList", "Priorities")},
            }
        },
        "/actions": {
            "get": {
                "summary": "Policy actions with anonymous counts of published opinions",
                "operationId": "listActions",
                "responses": {"200": _json("ActionList", "Actions")},
            }
        },
        "/actions/{code}": {
            "get": {
                "summary": "One policy action with its opinion counts and the city's updates",
                "operationId": "getAction",
                "parameters": [
                    {"name": "code", "in": "path", "required": True, "schema": TEXT}
                ],
                "responses": {
                    "200": _json("ActionDetail", "The action"),
                    "404": _json("Error", "No action has this code"),
                },
            }
        },
    })


def openapi_document() -> dict:
    """Return the whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ghent participation platform API",
            "version": "1.0.0",
            "description": "Public, read-only data on events and policy actions. "
            "No personal data is ever returned. Texts are written in Dutch, English or both: "
            "each answer gives them in the requested language (lang, else Accept-Language), "
            "else in the other one, with text_languages and translations.",
        },
        "servers": [{"url": url_for("api.events", _external=True).rsplit("/events", 1)[0]}],
        "paths": paths(),
        "components": {"schemas": SCHEMAS},
    }
