/**
 * The operator's RBAC with least privilege: exactly the verbs the runtime and controllers use.
 * The integration tests bind these rules to a ServiceAccount and run the operator with its token.
 * Server-side apply needs `create` as well as `patch` (an apply may create the object).
 */

/** One PolicyRule. */
export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

const CHILD_VERBS = ['get', 'list', 'watch', 'create', 'patch', 'delete'];

/** Rules of the operator's ClusterRole. */
export const OPERATOR_RULES: readonly PolicyRule[] = [
  { apiGroups: ['vitrine.dev'], resources: ['shopplatforms', 'shopservices', 'shopgateways'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['vitrine.dev'], resources: ['shopplatforms/status', 'shopservices/status', 'shopgateways/status'], verbs: ['get', 'patch'] },
  // Owner references with blockOwnerDeletion need update on the owner's finalizers.
  { apiGroups: ['vitrine.dev'], resources: ['shopplatforms/finalizers', 'shopservices/finalizers', 'shopgateways/finalizers'], verbs: ['update'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: CHILD_VERBS },
  { apiGroups: [''], resources: ['services', 'serviceaccounts', 'configmaps'], verbs: CHILD_VERBS },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: CHILD_VERBS },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: CHILD_VERBS },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: CHILD_VERBS },
  { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: CHILD_VERBS },
  // Kafka SASL credentials and OCI API keys are read from Secrets named in the specs.
  { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

/** The ClusterRole, ClusterRoleBinding and ServiceAccount of an operator install. */
export function operatorRbac(opts: { namespace: string; serviceAccount?: string; roleName?: string }): Record<string, unknown>[] {
  const sa = opts.serviceAccount ?? 'vitrine-operator';
  const role = opts.roleName ?? 'vitrine-operator';
  const labels = { 'app.kubernetes.io/name': 'vitrine-operator', 'app.kubernetes.io/part-of': 'vitrine' };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: opts.namespace, labels } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role, labels }, rules: OPERATOR_RULES.map((r) => ({ ...r })) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: role, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: opts.namespace }],
    },
  ];
}
