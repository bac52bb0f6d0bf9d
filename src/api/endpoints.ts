import { z } from 'zod';
import type { Permission } from './permissions';
import {
  ApiApprovalResponseSchema,
  ApiAssessmentRequestSchema,
  ApiRemediationProposalSchema,
  ApprovalStatusSchema,
  AssessmentResponseSchema,
  AssessmentStatusSchema,
  AuditLogPageSchema,
  ExecutionResultSchema,
  HealthSchema,
  LiveAssessmentPendingSchema,
  LogQuerySchema,
  RemediationStatusSchema,
  ReviewQuerySchema,
} from './schemas';

/** Who may call an endpoint: a permission from the role table, any authenticated role, or anyone. */
export type Access = Permission | 'authenticated' | 'public';

export type HandlerName = 'health' | 'openapi' | 'requestAssessment' | 'approveAssessment' | 'proposeRemediation' | 'approveRemediation' | 'reviewAssessment' | 'reviewRemediation' | 'assessmentStatus' | 'remediationStatus' | 'assessmentLogs' | 'remediationLogs';

export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  access: Access;
  handler: HandlerName;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Success statuses and their bodies (errors are always the design's ErrorResponse). */
  responses: Record<number, { description: string; schema: z.ZodType }>;
}

/**
 * The API, as one table: the router, the permission check, the OpenAPI document and the
 * permission-matrix test all read it, so they cannot disagree.
 */
export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'GET', path: '/api/v1/health', access: 'public', handler: 'health', summary: 'Liveness, without details.', responses: { 200: { description: 'Up.', schema: HealthSchema } } },
  {
    method: 'POST',
    path: '/api/v1/assessment/request',
    access: 'request:assessment',
    handler: 'requestAssessment',
    summary: 'A static assessment (answered at once), or a live one (runs configured servers: waits for a person to approve it).',
    body: ApiAssessmentRequestSchema,
    responses: {
      200: { description: 'The static assessment.', schema: AssessmentResponseSchema },
      202: { description: 'A live assessment waiting for approval (decide it at /api/v1/assessment/approve).', schema: LiveAssessmentPendingSchema },
    },
  },
  {
    method: 'POST',
    path: '/api/v1/assessment/approve',
    access: 'approve:assessment',
    handler: 'approveAssessment',
    summary: 'A person decides on a live assessment; approved, it runs and its result is answered.',
    body: ApiApprovalResponseSchema,
    responses: {
      200: { description: 'Approved and run: the live assessment (or, rejected: the request).', schema: AssessmentResponseSchema.or(ApprovalStatusSchema) },
      202: { description: 'Approved and still running: poll /api/v1/status/assessment.', schema: ApprovalStatusSchema },
    },
  },
  {
    method: 'POST',
    path: '/api/v1/remediation/propose',
    access: 'propose:remediation',
    handler: 'proposeRemediation',
    summary: 'Fixes for the findings, as a proposal (with its masked diff) waiting for a person to approve it.',
    body: ApiAssessmentRequestSchema,
    responses: { 201: { description: 'The proposal and its approval request.', schema: ApiRemediationProposalSchema } },
  },
  {
    method: 'POST',
    path: '/api/v1/remediation/approve',
    access: 'approve:remediation',
    handler: 'approveRemediation',
    summary: 'A person decides on a proposal; approved, the Installer applies it.',
    body: ApiApprovalResponseSchema,
    responses: {
      200: { description: 'Approved and applied: what the Installer did (or, rejected: the request).', schema: ExecutionResultSchema.or(ApprovalStatusSchema) },
      202: { description: 'Approved and still running: poll /api/v1/status/remediation.', schema: ApprovalStatusSchema },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/assessment/review',
    access: 'approve:assessment',
    handler: 'reviewAssessment',
    summary: 'What a live assessment request would run (servers, commands, URLs; secrets masked), for the person deciding it.',
    query: ReviewQuerySchema,
    responses: { 200: { description: 'The request and its plan.', schema: LiveAssessmentPendingSchema } },
  },
  {
    method: 'GET',
    path: '/api/v1/remediation/review',
    access: 'approve:remediation',
    handler: 'reviewRemediation',
    summary: 'A remediation request as its reviewer sees it: actions, risk, masked diff, hashes, notes.',
    query: ReviewQuerySchema,
    responses: { 200: { description: 'The proposal and its approval request.', schema: ApiRemediationProposalSchema } },
  },
  { method: 'GET', path: '/api/v1/status/assessment', access: 'authenticated', handler: 'assessmentStatus', summary: 'Server health, the newest static assessment, live assessments.', responses: { 200: { description: 'The status.', schema: AssessmentStatusSchema } } },
  { method: 'GET', path: '/api/v1/status/remediation', access: 'authenticated', handler: 'remediationStatus', summary: 'Remediation requests by state and the dead-letter queue.', responses: { 200: { description: 'The status.', schema: RemediationStatusSchema } } },
  {
    method: 'GET',
    path: '/api/v1/assessment/logs',
    access: 'view:audit_logs',
    handler: 'assessmentLogs',
    summary: 'Audit entries about assessments, newest first; the next page is in the Link header (beforeSeq).',
    query: LogQuerySchema,
    responses: { 200: { description: 'One page of audit entries.', schema: AuditLogPageSchema } },
  },
  {
    method: 'GET',
    path: '/api/v1/remediation/logs',
    access: 'view:audit_logs',
    handler: 'remediationLogs',
    summary: 'Audit entries about remediations and installs, newest first; the next page is in the Link header (beforeSeq).',
    query: LogQuerySchema,
    responses: { 200: { description: 'One page of audit entries.', schema: AuditLogPageSchema } },
  },
  { method: 'GET', path: '/api/v1/openapi.json', access: 'public', handler: 'openapi', summary: 'This document.', responses: { 200: { description: 'OpenAPI 3.1.', schema: z.record(z.string(), z.unknown()) } } },
];

const BY_PATH = new Map<string, Endpoint[]>();
for (const e of ENDPOINTS) BY_PATH.set(e.path, [...(BY_PATH.get(e.path) ?? []), e]);

/** The endpoint for a method and path, or why there is none (404, or 405 with what is allowed). */
export function route(method: string, path: string): { endpoint: Endpoint } | { notFound: true } | { allowed: string[] } {
  const candidates = BY_PATH.get(path);
  if (candidates === undefined) return { notFound: true };
  const hit = candidates.find((e) => e.method === method || (method === 'HEAD' && e.method === 'GET'));
  return hit ? { endpoint: hit } : { allowed: candidates.map((e) => e.method) };
}
