import * as z from 'zod';
import type { LinliApp } from '../http/app.js';
import { requestMeta } from '../http/app.js';
import type { PlatformContext } from '../context.js';
import { deleteCalendarDay, getWorkCalendar, listDays, setCalendarDay } from './calendar.service.js';
import { formatOfficeHours, hoursPerWorkingDay, isValidDate, localDateOf } from './working-time.js';

const ZDate = z.object({ date: z.string().refine(isValidDate, { message: 'YYYY-MM-DD' }) });
const ZDay = z.object({ date: z.string(), kind: z.enum(['holiday', 'workday']), name: z.string() });

/** Holidays and make-up working days (调休), kept as data: staff add each year's arrangement. */
export function registerCalendarRoutes(app: LinliApp, ctx: PlatformContext) {
  app.get(
    '/api/v1/calendar/days',
    {
      config: { policy: { authenticated: true } },
      schema: {
        tags: ['calendar'],
        summary: '节假日与调休 / Holidays and make-up working days of a year',
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }),
        response: {
          200: z.object({
            year: z.number(),
            officeHours: z.array(z.object({ start: z.string(), end: z.string() })),
            hoursPerDay: z.number(),
            items: z.array(ZDay),
          }),
        },
      },
    },
    async (request) => {
      const calendar = await getWorkCalendar(ctx);
      const year = request.query.year ?? Number(localDateOf(calendar, ctx.now()).slice(0, 4));
      return {
        year,
        officeHours: formatOfficeHours(calendar.officeHours),
        hoursPerDay: hoursPerWorkingDay(calendar),
        items: await listDays(ctx.db.kysely, year),
      };
    },
  );

  app.put(
    '/api/v1/calendar/days/:date',
    {
      config: { policy: { permission: 'calendar.manage' } },
      schema: {
        tags: ['calendar'],
        summary: '设置节假日或调休上班日 / Set a holiday or a make-up working day',
        params: ZDate,
        body: z.object({ kind: z.enum(['holiday', 'workday']), name: z.string().trim().min(1).max(50) }),
        response: { 200: ZDay },
      },
    },
    async (request) => setCalendarDay(ctx, request.actor!, { date: request.params.date, ...request.body }, requestMeta(request)),
  );

  app.delete(
    '/api/v1/calendar/days/:date',
    {
      config: { policy: { permission: 'calendar.manage' } },
      schema: { tags: ['calendar'], summary: '恢复为普通日 / Return a date to the ordinary week', params: ZDate },
    },
    async (request, reply) => {
      await deleteCalendarDay(ctx, request.actor!, request.params.date, requestMeta(request));
      return reply.status(204).send();
    },
  );
}
