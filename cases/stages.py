"""The stage bar of a case: which steps are done, read from the case's records.

The workflow stage only moves forward and can skip steps (a case referred at
registration was never assessed), so a step before the current one is done only when
its record exists: the panel's "Initial assessment" reads the same assessment.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Assessment, Child, WorkflowStage
from cases.services.workflow import ORDER


@dataclass(frozen=True)
class Step:
    code: str
    label: object  # lazy text: the stage in the active language
    done: bool
    current: bool


def stage_steps(child: Child, assessment: Assessment | None) -> list[Step]:
    """The steps of the bar; `assessment` is the one the panel shows (or None)."""
    stage = child.workflow_stage
    reached = ORDER.index(stage) if stage in ORDER else -1
    evidence = {
        WorkflowStage.ASSESSED: lambda: assessment is not None,
        WorkflowStage.REFERRED: lambda: child.referrals.exists(),
    }
    steps = []
    for index, step in enumerate(ORDER):
        done = index < reached and evidence.get(step, lambda: True)()
        steps.append(Step(step.value, step.label, done, stage == step))
    closed = WorkflowStage.CLOSED
    steps.append(Step(closed.value, closed.label, False, stage == closed))
    return steps
