"""Browser input into the API's own models: the same screening and validation as JSON.

An HTML form sends every field, filled or not, as a string; blank means "not given". The
values then go through `parsing.screen` (no NUL, no lone surrogate) and the API's pydantic
model, so the portal accepts exactly what the API accepts.
"""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from common.web.errors import unprocessable, validation_details
from common.web.parsing import screen


class FormInvalid(Exception):
    """A form that does not validate: the page is shown again with these messages."""

    def __init__(self, messages: dict[str, str], status: int = 422) -> None:
        super().__init__("; ".join(f"{k}: {m}" for k, m in messages.items()))
        self.messages = messages
        self.status = status


def filled(values) -> dict[str, str]:
    """The non-blank single values of a MultiDict, trimmed."""
    return {k: val.strip() for k, val in values.items() if isinstance(val, str) and val.strip()}


def query_model(request, model: type[BaseModel], drop: tuple[str, ...] = ()):
    """The query string as `model` (blank fields left out), and the `drop`ped values."""
    values = filled(request.args)
    extras = {name: values.pop(name, None) for name in drop}
    screen(values, "invalid query parameters")
    try:
        return model.model_validate(values), extras
    except ValidationError as exc:
        raise unprocessable("Some filters are not valid.", validation_details(exc)) from None


def body_model(model: type[BaseModel], values: dict):
    """A form's values as `model`; FormInvalid naming each bad field."""
    screen(values, "invalid form")
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        messages = {}
        for problem in validation_details(exc):
            name = problem["loc"][0] if problem["loc"] else "form"
            messages.setdefault(name, problem["message"])
        raise FormInvalid(messages) from None


def checkbox(form, name: str) -> bool:
    """An HTML checkbox: present means on."""
    return form.get(name) in ("on", "true", "1")


def split_list(text: str | None) -> list[str]:
    """A comma- or space-separated list typed into one field."""
    return [part for part in (text or "").replace(",", " ").split() if part]
