"""Register forms: one ModelForm per register, built from the registry table."""

from __future__ import annotations

from functools import cache

from django import forms

from accompagnement.registres.registry import REGISTRES, Registre


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


@cache
def form_class(registre: Registre) -> type[forms.ModelForm]:
    widgets = {
        name: DateInput()
        for name in registre.fields
        if registre.model._meta.get_field(name).get_internal_type() == "DateField"
    }
    meta = type(
        "Meta", (), {"model": registre.model, "fields": registre.fields, "widgets": widgets}
    )
    form = type(f"{registre.model.__name__}Form", (forms.ModelForm,), {"Meta": meta})
    if "actions" in registre.fields:
        form.base_fields["actions"].widget = forms.CheckboxSelectMultiple()
        form.base_fields["actions"].queryset = form.base_fields["actions"].queryset.select_related(
            "plan"
        )
    return form


def all_form_classes() -> dict[str, type[forms.ModelForm]]:
    return {slug: form_class(registre) for slug, registre in REGISTRES.items()}
