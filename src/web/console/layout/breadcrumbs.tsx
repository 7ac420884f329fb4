import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/** A crumb: `href` is a path inside /console; the last crumb has none. */
export interface Crumb {
  title: string;
  href?: string;
}

const Ctx = createContext<{ crumbs: Crumb[]; setCrumbs: (c: Crumb[]) => void }>({ crumbs: [], setCrumbs: () => {} });

export function BreadcrumbProvider({ children }: { children: ReactNode }) {
  const [crumbs, setCrumbs] = useState<Crumb[]>([]);
  return <Ctx.Provider value={{ crumbs, setCrumbs }}>{children}</Ctx.Provider>;
}

export function useCrumbs(): Crumb[] {
  return useContext(Ctx).crumbs;
}

/** A page states where it is; the layout draws the trail under the header. */
export function useBreadcrumbs(crumbs: Crumb[]): void {
  const { setCrumbs } = useContext(Ctx);
  const key = JSON.stringify(crumbs);
  useEffect(() => {
    setCrumbs(JSON.parse(key) as Crumb[]);
  }, [key, setCrumbs]);
}
