"""The form renderer: Django's templates, with the choice widgets written out in Python.

A ``<select>`` or a list of check boxes is rendered by Django as one template include per
option (and per option's attributes): about 1 ms for twenty options, most of a form-heavy
page's cost (the quick log on the interactions tab has eight such lists, the commitment
filters four). :class:`FormRenderer` writes those three templates (``select.html``,
``checkbox_select.html``, ``radio.html``, with their default option templates) as the same
string the templates produce — the same escaping, the same localisation of values, the same
white space, each included file's last line break included — about twenty times faster;
the plain inputs (``input.html`` and the templates that only include it, ``textarea.html``),
a choice's option alone (``{{ choice.tag }}`` in a filter bar), and a field's group
(``field.html``: label, help, errors, widget) are written the same way;
every other template goes to Django. A test renders random choices, values, attributes and
groups through both and compares the bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

WIDGETS = "django/forms/widgets/"


def _text(value: Any) -> str:
    """``{{ value }}`` in an autoescaped template: localized, then escaped unless safe."""
    value = localize(value)
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe."""
    text = str(value)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(" " + _text(name))
            if value is not True:
                out.append('="' + _formatted(value) + '"')
    return "".join(out)


def _option(option: dict[str, Any]) -> str:
    """``select_option.html``, with the line break that ends the file."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget: dict[str, Any]) -> str:
    """``select.html``."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    """``input.html`` (and every template that only includes it: text, date, hidden…)."""
    field = f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
    if widget["value"] != None:  # noqa: E711 (the template's comparison, kept as it is)
        field += f' value="{_formatted(widget["value"])}"'
    return field + _attrs(widget["attrs"]) + ">"


def _textarea(widget: dict[str, Any]) -> str:
    """``textarea.html``."""
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _input_option(option: dict[str, Any]) -> str:
    """``checkbox_option.html`` / ``radio_option.html``: ``input_option.html`` with
    ``input.html``, each include followed by its file's last line break."""
    field = _input(option) + "\n"
    if not option["wrap_label"]:
        return field + "\n\n"
    attrs = option["attrs"]
    target = f' for="{_text(attrs["id"])}"' if attrs.get("id") else ""
    return f"<label{target}>{field} {_text(option['label'])}</label>\n\n"


def _multiple_input(widget: dict[str, Any]) -> str:
    """``multiple_input.html`` (check boxes and radio buttons)."""
    attrs = widget["attrs"]
    out = ["<div"]
    if attrs.get("id"):
        out.append(f' id="{_text(attrs["id"])}"')
    if attrs.get("class"):
        out.append(f' class="{_text(attrs["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        for option in options:
            out.append("<div>\n    " + _input_option(option) + "</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


# template -> (the option template it includes, how to write it)
FAST: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    WIDGETS + "select.html": (WIDGETS + "select_option.html", _select),
    WIDGETS + "checkbox_select.html": (WIDGETS + "checkbox_option.html", _multiple_input),
    WIDGETS + "radio.html": (WIDGETS + "radio_option.html", _multiple_input),
}


def _label(context: dict[str, Any]) -> str:
    """``label.html`` (with ``attrs.html``): ``BoundField.label_tag`` and ``legend_tag``."""
    label = _text(context["label"])
    if not context["use_tag"]:
        return label
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _error_list(context: dict[str, Any]) -> str:
    """``errors/list/default.html`` (``ul.html``): a field's or a form's list of errors."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    target = f' id="{_text(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_text(error)}</li>" for error in errors)
    return f'<ul class="{_text(context["error_class"])}"{target}>{items}</ul>'


def _field(context: dict[str, Any]) -> str:
    """``field.html``: a field's label (or legend), help, errors and widget, line for line."""
    field = context["field"]
    fieldset = field.use_fieldset
    if fieldset:
        described = field.aria_describedby
        out = ["\n  <fieldset"]
        if described:
            out.append(f' aria-describedby="{_text(described)}"')
        out.append(">\n  ")
        if field.label:
            out.append(_text(field.legend_tag()))
    else:
        out = ["\n  "]
        if field.label:
            out.append(_text(field.label_tag()))
    out.append("\n\n")
    if field.help_text:
        target = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        out.append(f'<div class="helptext"{target}>{field.help_text}</div>')  # |safe
    out.append("\n" + _text(field.errors) + "\n" + _text(field))
    out.append("</fieldset>\n" if fieldset else "\n")
    return "".join(out)


# Templates of one widget (or one option of a choice widget, as ``{{ choice.tag }}`` renders
# it) -> how to write it. Each of Django's input templates only includes ``input.html``.
INPUTS = ("input", "text", "date", "datetime", "time", "hidden", "number", "email", "url")
INPUTS += ("tel", "search", "password", "color", "checkbox")
SINGLE: dict[str, Callable[[dict[str, Any]], str]] = {
    **{WIDGETS + name + ".html": _input for name in INPUTS},
    WIDGETS + "textarea.html": _textarea,
    WIDGETS + "checkbox_option.html": _input_option,
    WIDGETS + "radio_option.html": _input_option,
}
FORMS: dict[str, Callable[[dict[str, Any]], str]] = {
    "django/forms/field.html": _field,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _error_list,
}


class FormRenderer(DjangoTemplates):
    """Django's default renderer, the choice widgets and the plain inputs excepted (see the
    module)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        single = SINGLE.get(template_name)
        if single is not None and "widget" in context:
            return SafeString(single(context["widget"]).strip())  # as Django's renderer does
        if template_name in FORMS:
            return SafeString(FORMS[template_name](context).strip())
        fast = FAST.get(template_name)
        widget = context.get("widget") if fast else None
        if widget is not None and all(
            option.get("template_name") == fast[0]
            for _group, options, _index in widget["optgroups"]
            for option in options
        ):
            return SafeString(fast[1](widget).strip())  # as Django's renderer does
        return super().render(template_name, context, request)
