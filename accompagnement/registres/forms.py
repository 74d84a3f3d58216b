"""Register forms: one ModelForm per register, built from the registry table."""

from __future__ import annotations

from functools import cache

from django import forms

from accompagnement.registres.registry import REGISTRES, Registre
from core.fields import model_field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


@cache
def form_class(registre: Registre) -> type[forms.ModelForm]:
    form = forms.modelform_factory(
        registre.model,
        fields=registre.fields,
        widgets={
            name: DateInput()
            for name in registre.fields
            if model_field(registre.model, name).get_internal_type() == "DateField"
        },
    )
    if "actions" in registre.fields:
        actions = form.base_fields["actions"]
        assert isinstance(actions, forms.ModelMultipleChoiceField)
        assert actions.queryset is not None
        actions.widget = forms.CheckboxSelectMultiple()
        actions.queryset = actions.queryset.select_related("plan")
    return form


def all_form_classes() -> dict[str, type[forms.ModelForm]]:
    return {slug: form_class(registre) for slug, registre in REGISTRES.items()}
