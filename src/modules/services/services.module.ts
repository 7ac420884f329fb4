import { defineModule } from '../../platform/module.js';
import { createServiceMatters } from './migrations/2026_11_26_0300_create_service_matters.js';
import { createServiceApplications } from './migrations/2026_11_26_0301_create_service_applications.js';
import { serviceCatalogue } from './migrations/2026_11_26_0302_service_catalogue.js';
import './matters.table.js';
import './applications.table.js';
import './services.policy.js';
import './services.workflow.js';
import { registerMatterRoutes } from './matters.routes.js';
import { registerApplicationRoutes } from './applications.routes.js';
import { serviceDeadlineJob } from './services.deadlines.job.js';
import { seedServicesDemo } from './services.demo.js';
import { createAppointments } from './migrations/2026_11_26_0310_create_appointments.js';
import { registerAppointmentRoutes } from './appointments.routes.js';
import { noShowJob, slotsJob } from './appointments.jobs.js';
import { createConsultations } from './migrations/2026_11_26_0311_create_consultations.js';
import { createMerchants } from './migrations/2026_11_26_0312_create_merchants.js';
import { registerConsultationRoutes } from './consultations.routes.js';
import { registerMerchantRoutes } from './merchants.routes.js';
import { seedAppointmentsDemo } from './appointments.demo.js';
import { seedConsultationsDemo } from './consultations.demo.js';
import { seedMerchantsDemo } from './merchants.demo.js';
import { createConvenience } from './migrations/2026_11_26_0320_create_convenience.js';
import { registerConvenienceRoutes } from './convenience.routes.js';
import { seedConvenienceDemo } from './convenience.demo.js';

/**
 * 社区服务体系 (service hall): 办事指南 and online applications (S1), appointments, consultations
 * and local life (S2), convenience services (S3). Each part adds its migrations, routes, jobs
 * and demo seed here with small edits.
 */
export const servicesModule = defineModule({
  name: 'services',
  migrations: {
    '2026_11_26_0300_create_service_matters': createServiceMatters,
    '2026_11_26_0301_create_service_applications': createServiceApplications,
    '2026_11_26_0302_service_catalogue': serviceCatalogue,
    '2026_11_26_0310_create_appointments': createAppointments,
    '2026_11_26_0311_create_consultations': createConsultations,
    '2026_11_26_0312_create_merchants': createMerchants,
    '2026_11_26_0320_create_convenience': createConvenience,
  },
  routes: async (app, ctx) => {
    registerMatterRoutes(app, ctx);
    registerApplicationRoutes(app, ctx);
    registerAppointmentRoutes(app, ctx);
    registerConsultationRoutes(app, ctx);
    registerMerchantRoutes(app, ctx);
    registerConvenienceRoutes(app, ctx);
  },
  jobs: [serviceDeadlineJob, noShowJob, slotsJob],
  seedDemo: async (seed) => {
    // Guide and applications first (appointments and others may refer to the catalogue).
    await seedServicesDemo(seed);
    await seedAppointmentsDemo(seed);
    await seedConsultationsDemo(seed);
    await seedMerchantsDemo(seed);
    await seedConvenienceDemo(seed);
  },
});
