"""The model card, the scoring policy and what each factor means."""

from __future__ import annotations

from fastapi import Request

from twinrisk.service import library
from twinrisk.service.deps import state
from twinrisk.service.routers.common import v1_router
from twinrisk.service.schemas import FactorDoc, ModelOut, PolicyDoc

router = v1_router("model")


def model_info() -> ModelOut:
    from twinrisk.core.terms import TERMS

    doc = library.policy_doc("default")
    factors = [
        FactorDoc(
            id=f["id"],
            group=f["group"],
            label=f.get("label", f["id"]),
            max_points=int(f["max_points"]),
            rationale=f.get("rationale", ""),
            direction=f.get("direction"),
            transform=f.get("transform") or {},
        )
        for f in doc.get("factors", [])
    ]
    return ModelOut(
        model=library.model_card(),
        policy=PolicyDoc(
            name=str(doc.get("name", "default")),
            version=str(doc.get("version", "")),
            description=str(doc.get("description", "")),
        ),
        policies=library.known_policies(),
        factors=factors,
        terms={key: term.question for key, term in TERMS.items()},
    )


@router.get(
    "/model", response_model=ModelOut, summary="Model card, default policy and factor documentation"
)
async def model(request: Request) -> ModelOut:
    st = state(request)
    return await st.worker.run(
        model_info, timeout=st.settings.timeout_seconds, what="the model card"
    )
