"""Loads exported OSCAL documents with compliance-trestle's models: each file must parse without error.

Usage: python trestle_load.py FILE...   (the document type is read from the file's root key)
Prints one line per file: "ok <file> <model>" or "fail <file> <error>"; exits 1 when any fails.
"""
import json
import pathlib
import sys

from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog
from trestle.oscal.poam import PlanOfActionAndMilestones
from trestle.oscal.profile import Profile
from trestle.oscal.ssp import SystemSecurityPlan

MODELS = {
    'catalog': Catalog,
    'profile': Profile,
    'system-security-plan': SystemSecurityPlan,
    'assessment-results': AssessmentResults,
    'plan-of-action-and-milestones': PlanOfActionAndMilestones,
}


def main(files):
    failed = 0
    for name in files:
        path = pathlib.Path(name)
        try:
            root = next(iter(json.loads(path.read_text(encoding='utf-8'))))
            model = MODELS[root]
            loaded = model.oscal_read(path)
            if loaded is None:
                raise ValueError('trestle read nothing')
            print(f'ok {name} {model.__name__} {loaded.uuid}')
        except Exception as err:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            print(f'fail {name} {type(err).__name__}: {str(err)[:2000]}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
