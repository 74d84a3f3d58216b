"""The shipped samples: shapes and counts, idempotent loading."""

from __future__ import annotations

from django.core.management import call_command

from referentiels import demo
from referentiels.models import Critere, Noeud, ReferentielVersion
from tests.referentiels.conftest import ESSMS


def test_sample_has_6_themes_2_levels_12_objectives_49_criteria(sample_version):
    themes = Noeud.objects.filter(version=sample_version, parent=None)
    assert themes.count() == 6
    assert all(theme.type == "theme" for theme in themes)
    objectifs = Noeud.objects.filter(version=sample_version, type="objectif")
    assert objectifs.count() == 12
    assert set(objectifs.values_list("niveau", flat=True)) == {1, 2}
    criteres = Critere.objects.filter(version=sample_version)
    assert criteres.count() == 49
    assert set(criteres.values_list("niveau", flat=True)) == {1, 2}
    for theme in themes:
        assert set(objectifs.filter(parent=theme).values_list("niveau", flat=True)) == {1, 2}
    known = {"4.2.1", "4.2.9", "4.3.1", "4.3.2", "4.3.7", "4.3.8", "4.4.8", "4.4.9", "4.6.2"}
    assert known <= set(criteres.values_list("code", flat=True))
    assert all(critere.sources and critere.explication for critere in criteres)
    assert sample_version.echantillon and sample_version.avertissement
    assert sample_version.is_published


def test_criteria_theme_is_their_top_level_node(sample_version):
    critere = Critere.objects.select_related("theme", "noeud").get(
        version=sample_version, code="4.3.2"
    )
    assert critere.theme.code == "4.3" and critere.noeud.parent_id == critere.theme_id


def test_essms_sample_has_three_imperative_criteria_and_other_shape(essms_version):
    assert Critere.objects.filter(version=essms_version, imperatif=True).count() == 3
    assert essms_version.types_noeuds == ["chapitre", "thematique", "objectif"]
    assert set(Noeud.objects.filter(version=essms_version).values_list("type", flat=True)) == {
        "chapitre",
        "thematique",
        "objectif",
    }
    codes = set(essms_version.echelle.valeurs.values_list("code", flat=True))
    assert {"1", "4", "OPT", "NC"} <= codes
    assert essms_version.echelle.valeurs.get(code="NC").exclue


def test_load_demo_is_idempotent(db):
    first = demo.load_demo(None)
    second = demo.load_demo(None)
    assert [v.pk for v in first] == [v.pk for v in second]
    assert ReferentielVersion.objects.filter(statut=ReferentielVersion.Statut.PUBLIE).count() == 2


def test_load_referentiel_command_imports_a_draft_then_publishes(db, capsys):
    call_command("load_referentiel", str(ESSMS))
    version = ReferentielVersion.objects.get(referentiel__code="essms-has-echantillon")
    assert version.statut == ReferentielVersion.Statut.BROUILLON
    call_command("load_referentiel", str(ESSMS), "--publish")
    version.refresh_from_db()
    assert version.statut == ReferentielVersion.Statut.PUBLIE
    assert "déjà présente" in capsys.readouterr().out
