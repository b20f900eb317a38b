import express from 'express';
import type { RouteDef } from '../../http/route';
import { ctxOf } from '../../http/route';
import * as schemas from './oscal.schemas';
import * as service from './oscal.service';
import { OSCAL_VERSION } from './oscal.common';

const v = `OSCAL ${OSCAL_VERSION}`;

/** OSCAL exchange: the checklist as catalog and per-level profiles, and per system its SSP, assessment results and POA&M. */
export const oscalRoutes: RouteDef[] = [
  { method: 'get', path: '/checklists/:id/oscal/catalog', tag: 'oscal', access: 'checklists:read', schema: schemas.byId,
    summary: `The checklist version as an ${v} catalog: a group per requirement area, each control with Vietnamese and English text, its levels and per-level clause references`,
    handler: (req) => service.catalog(req.valid.params.id) },
  { method: 'get', path: '/checklists/:id/oscal/profiles/:level', tag: 'oscal', access: 'checklists:read', schema: schemas.profileParams,
    summary: `The baseline of one security level as an ${v} profile selecting that level's controls from the catalog`,
    responses: { 422: 'the checklist does not cover that level' },
    handler: (req) => service.profile(req.valid.params.id, req.valid.params.level) },
  { method: 'post', path: '/checklists/oscal', tag: 'oscal', access: 'settings:write', schema: schemas.importCatalog,
    parsers: [express.json({ limit: schemas.IMPORT_BODY_LIMIT, strict: true })], response: schemas.importResult,
    summary: `Import an ${v} catalog (as exported by Attest) as a new checklist version: the same validation as a YAML checklist, all or nothing`,
    responses: { 409: 'this framework version is already imported with different content', 422: 'the catalog breaks the checklist rules (details name each control and field); nothing was imported' },
    handler: (req) => service.importCatalog(ctxOf(req), req.valid.body) },
  { method: 'get', path: '/systems/:id/oscal/ssp', tag: 'oscal', access: 'systems:read', schema: schemas.byId,
    summary: `A system security plan skeleton (${v}): system characteristics, level, owner organization, endpoints as components, the profile of its level (owners: their organization)`,
    handler: (req) => service.ssp(ctxOf(req), req.valid.params.id) },
  { method: 'get', path: '/assessments/:id/oscal/assessment-results', tag: 'oscal', access: 'assessments:read', schema: schemas.byId,
    summary: `The assessment as ${v} assessment results: each control's result, note and evidence (with SHA-256), its findings as observations and risks; one not approved is marked so (owners: their organization; audited)`,
    handler: (req) => service.assessmentResults(ctxOf(req), req.valid.params.id) },
  { method: 'get', path: '/systems/:id/oscal/poam', tag: 'oscal', access: 'findings:read', schema: schemas.byId,
    summary: `The system's open findings as an ${v} plan of action and milestones: due dates, status, extensions, risk acceptances (owners: their organization; audited)`,
    handler: (req) => service.poam(ctxOf(req), req.valid.params.id) },
];
