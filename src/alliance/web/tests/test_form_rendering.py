"""The choice widgets written out in Python give the very bytes Django's templates give."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.web.forms.rendering import FormRenderer

DJANGO = DjangoTemplates()
FAST = FormRenderer()

WIDGETS = [
    forms.Select,
    forms.SelectMultiple,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.NullBooleanSelect,
]
text = st.text(alphabet=st.sampled_from(list("aZé 0<>&\"'/;=-ü\u00a0")), max_size=12)
scalar = st.one_of(
    text,
    st.integers(-5000, 5000),
    st.sampled_from([Decimal("1234.5"), date(2026, 12, 3), 0, None, True]),
)
label = st.one_of(
    text,
    st.integers(-5000, 5000),
    st.just(gettext_lazy("Overdue")),
    text.map(mark_safe),
    st.just(Decimal("1234.5")),
)
flat = st.lists(st.tuples(scalar, label), max_size=6)
choices = st.one_of(
    flat,
    st.lists(st.one_of(st.tuples(scalar, label), st.tuples(text, flat)), max_size=5),
)
attr_value = st.one_of(text, st.booleans(), st.integers(0, 99), text.map(mark_safe))
attrs = st.dictionaries(
    st.sampled_from(["id", "class", "disabled", "data-party", "aria-describedby", "required"]),
    attr_value,
    max_size=4,
)


@settings(max_examples=400, deadline=None)
@given(
    widget=st.sampled_from(WIDGETS),
    choices=choices,
    attrs=attrs,
    value=st.one_of(scalar, st.lists(scalar, max_size=3)),
    name=text,
    language=st.sampled_from(["en", "fr", "de"]),
)
def test_the_fast_widgets_write_what_the_templates_write(
    widget, choices, attrs, value, name, language
):
    from django.utils import translation

    if widget is forms.NullBooleanSelect:
        instance = widget(attrs=attrs)
        value = value[0] if isinstance(value, list) and value else value
        value = None if isinstance(value, list) else value
    else:
        instance = widget(attrs=attrs, choices=choices)
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=True):
        expected = instance.render(name, value, renderer=DJANGO)
        got = instance.render(name, value, renderer=FAST)
    assert got == expected


def test_a_custom_option_template_goes_to_django():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    widget = Custom(choices=[("a", "A")])
    assert widget.render("x", "a", renderer=FAST) == widget.render("x", "a", renderer=DJANGO)


INPUTS = [
    forms.TextInput,
    forms.DateInput,
    forms.HiddenInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.CheckboxInput,
    forms.PasswordInput,
    forms.Textarea,
]


@settings(max_examples=300, deadline=None)
@given(
    widget=st.sampled_from(INPUTS),
    attrs=attrs,
    value=scalar,
    name=text,
    language=st.sampled_from(["en", "fr", "de"]),
)
def test_the_fast_inputs_write_what_the_templates_write(widget, attrs, value, name, language):
    from django.utils import translation

    instance = widget(attrs=attrs)
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=True):
        expected = instance.render(name, value, renderer=DJANGO)
        got = instance.render(name, value, renderer=FAST)
    assert got == expected


@settings(max_examples=200, deadline=None)
@given(
    widget=st.sampled_from([forms.RadioSelect, forms.CheckboxSelectMultiple]),
    choices=flat,
    value=st.lists(scalar, max_size=3),
    language=st.sampled_from(["en", "fr", "de"]),
)
def test_one_option_alone_is_written_as_the_templates_write_it(widget, choices, value, language):
    """``{% for choice in field %}{{ choice.tag }} {{ choice }}`` (the filter bar's check boxes)."""
    from django.utils import translation

    def options(renderer):
        field = forms.MultipleChoiceField(choices=choices, widget=widget, required=False)
        form = forms.Form(renderer=renderer, initial={"pick": value})
        form.fields["pick"] = field
        return [(choice.tag(), str(choice)) for choice in form["pick"]]

    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=True):
        assert options(FAST) == options(DJANGO)


FIELDS = [
    lambda label, help_text, required: forms.CharField(
        label=label, help_text=help_text, required=required, max_length=3
    ),
    lambda label, help_text, required: forms.DateField(
        label=label, help_text=help_text, required=required
    ),
    lambda label, help_text, required: forms.BooleanField(
        label=label, help_text=help_text, required=required
    ),
    lambda label, help_text, required: forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=required,
        choices=[("a", "A"), ("b", "<b>")],
        widget=forms.RadioSelect,
    ),
    lambda label, help_text, required: forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        required=required,
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
    ),
    lambda label, help_text, required: forms.IntegerField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.NumberInput(attrs={"aria-describedby": "mine"}),
    ),
]
field_label = st.one_of(st.just(""), text, st.just(gettext_lazy("Overdue")), text.map(mark_safe))


@settings(max_examples=300, deadline=None)
@given(
    make=st.sampled_from(FIELDS),
    label=field_label,
    help_text=st.one_of(st.just(""), text, st.just(gettext_lazy("Overdue"))),
    required=st.booleans(),
    data=st.one_of(st.none(), st.dictionaries(st.just("f"), text, max_size=1)),
    auto_id=st.sampled_from(["id_%s", "", "x-%s"]),
    language=st.sampled_from(["en", "fr", "de"]),
)
def test_a_field_group_is_written_as_the_templates_write_it(
    make, label, help_text, required, data, auto_id, language
):
    """A field's label or legend, help, errors and widget (``{{ field.as_field_group }}``),
    bound or not, valid or not; and the whole form and its errors."""
    from django.utils import translation

    def render(renderer):
        form = forms.Form(data, renderer=renderer, auto_id=auto_id)
        form.fields["f"] = make(label, help_text, required)
        form.required_css_class = "required"
        if data is not None:
            form.add_error(None, "Not <this>.")
        return [form["f"].as_field_group(), str(form), str(form.non_field_errors())]

    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=True):
        assert render(FAST) == render(DJANGO)
