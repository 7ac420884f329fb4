/**
 * Every route declares who may call it (deny by default: a route without a policy answers 403,
 * and test/route-policy.test.ts fails). Record-level checks (which subtree, which fields) are
 * the service's job, using the actor's grants.
 */
export type RoutePolicy =
  | { public: true; reason: string }
  | { authenticated: true; allowPending?: boolean }
  | { permission: string; allowPending?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
}
