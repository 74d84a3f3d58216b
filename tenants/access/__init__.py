"""Who may see and do what: the one authorization module, split by domain.

``from tenants import access`` then ``access.can_…``: every rule is re-exported here.

Views (through ``StructureAccessMiddleware`` and the views' own checks)
and the API (through ``api.permissions``) call these functions; nothing else decides
access. Each rule is stated in its docstring.

Roles
-----
* ``federation``: federation admin — the whole network.
* ``pilote``: pilot of a territory — every structure of their territories.
* ``expert``: expert-réseau — the structures of their working groups and those they
  are directly assigned to (``ExpertAffectation``).
* ``directeur``, ``referent``, ``contributeur``, ``lecteur``: staff of one structure.

A person may hold several roles (an expert may also be a pilot). Anything a person may
not see answers 404, exactly like something that does not exist.
"""

from __future__ import annotations

from tenants.access.accompagnement import (
    can_decide_livrable,
    can_edit_plan,
    can_manage_types_livrable,
    can_submit_livrable,
    can_upload_livrable,
    can_view_groupe,
)
from tenants.access.bilans import (
    can_edit_bilan_structure,
    can_edit_bilan_territoire,
    can_open_campagne,
    can_read_consolidation,
    can_submit_bilan_structure,
    can_view_consolidation,
    can_write_registers,
    territoire_in_scope,
    territoires_consolidated_for,
)
from tenants.access.diagnostics import (
    can_answer_autodiagnostic,
    can_confirm_autodiagnostic,
    can_manage_autodiagnostic,
    can_propose_actions,
    can_reopen_autodiagnostic,
    can_view_autodiagnostic,
)
from tenants.access.enforce import require
from tenants.access.organisation import (
    can_create_structure,
    can_edit_groupe,
    can_grant_role,
    can_import_structures,
    can_invite,
    can_invite_someone,
    can_view_audit_log,
    can_withdraw_role,
    must_use_two_factor,
    users_visible_to,
)
from tenants.access.privacy import (
    can_decide_data_request,
    can_request_data_operation,
    can_view_processing_register,
)
from tenants.access.qualite import (
    can_audit_practices,
    can_manage_qualite,
    can_view_qualite,
)
from tenants.access.referentiels import (
    can_browse_referentiels,
    can_download_document_outil,
    can_manage_referentiels,
    can_view_referentiel_version,
)
from tenants.access.roles import (
    CONTRIBUTEUR,
    DIRECTEUR,
    EXPERT,
    FEDERATION,
    LECTEUR,
    PILOTE,
    REFERENT,
    ROLE_LABELS,
    STAFF_MANAGE_ROLES,
    STAFF_WRITE_ROLES,
    StructureRoles,
    can_act_as_expert,
    can_contribute,
    can_edit_structure_profile,
    can_lead_groupe,
    can_manage_network,
    can_manage_structure,
    can_manage_territoire,
    can_pilot_structure,
    can_view_structure,
    groupes_visible_to,
    is_expert,
    is_federation_admin,
    is_pilote,
    network_roles,
    roles_in_structure,
    sees_some_groupe,
    structures_of_expert,
    structures_visible_to,
    territoires_piloted_by,
    territoires_visible_to,
)

__all__ = [
    "require",
    "territoire_in_scope",
    "FEDERATION",
    "PILOTE",
    "EXPERT",
    "DIRECTEUR",
    "REFERENT",
    "CONTRIBUTEUR",
    "LECTEUR",
    "STAFF_WRITE_ROLES",
    "STAFF_MANAGE_ROLES",
    "ROLE_LABELS",
    "StructureRoles",
    "is_federation_admin",
    "is_pilote",
    "is_expert",
    "network_roles",
    "territoires_piloted_by",
    "territoires_visible_to",
    "groupes_visible_to",
    "sees_some_groupe",
    "can_manage_network",
    "can_manage_territoire",
    "can_lead_groupe",
    "structures_visible_to",
    "structures_of_expert",
    "roles_in_structure",
    "can_view_structure",
    "can_contribute",
    "can_manage_structure",
    "can_act_as_expert",
    "can_pilot_structure",
    "can_edit_structure_profile",
    "can_create_structure",
    "can_import_structures",
    "can_edit_groupe",
    "users_visible_to",
    "can_invite",
    "can_invite_someone",
    "can_grant_role",
    "can_withdraw_role",
    "must_use_two_factor",
    "can_view_audit_log",
    "can_manage_referentiels",
    "can_browse_referentiels",
    "can_view_referentiel_version",
    "can_download_document_outil",
    "can_view_autodiagnostic",
    "can_answer_autodiagnostic",
    "can_manage_autodiagnostic",
    "can_confirm_autodiagnostic",
    "can_reopen_autodiagnostic",
    "can_propose_actions",
    "can_upload_livrable",
    "can_submit_livrable",
    "can_decide_livrable",
    "can_manage_types_livrable",
    "can_edit_plan",
    "can_view_groupe",
    "can_write_registers",
    "can_edit_bilan_structure",
    "can_submit_bilan_structure",
    "can_open_campagne",
    "territoires_consolidated_for",
    "can_read_consolidation",
    "can_view_consolidation",
    "can_edit_bilan_territoire",
    "can_view_processing_register",
    "can_request_data_operation",
    "can_decide_data_request",
    "can_view_qualite",
    "can_manage_qualite",
    "can_audit_practices",
]
