import { registerPermissions } from '../../platform/policy/roles.js';

/** 预约: who runs windows and slots, who books, who checks people in at the window. */
export const WINDOW_MANAGE = 'services.window.manage';
export const APPOINTMENT_BOOK_OWN = 'services.appointment.book-own';
export const APPOINTMENT_READ = 'services.appointment.read';
export const APPOINTMENT_ON_BEHALF = 'services.appointment.on-behalf';
export const APPOINTMENT_CHECK_IN = 'services.appointment.check-in';
export const APPOINTMENT_HANDLE = 'services.appointment.handle';

registerPermissions({
  /** Create and edit windows (hours, slot length, seats), generate, close and resize slots. */
  [WINDOW_MANAGE]: ['community_staff'],
  /** A resident books, changes and cancels their own appointments and shows the QR code. */
  [APPOINTMENT_BOOK_OWN]: ['resident', 'volunteer'],
  /** See who booked at the windows of a subtree (the day list at the window; audited). */
  [APPOINTMENT_READ]: ['community_staff', 'dispatcher', 'department_officer'],
  /** 代预约: book for a registry person of the subtree (an elderly resident who phoned). */
  [APPOINTMENT_ON_BEHALF]: ['community_staff', 'grid_worker'],
  /** Scan a booking's QR code (or type its number) at the window: 签到. Officers stationed at the hall too. */
  [APPOINTMENT_CHECK_IN]: ['community_staff', 'department_officer'],
  /** Change or cancel anyone's booking at the subtree's windows (with a reason). */
  [APPOINTMENT_HANDLE]: ['community_staff'],
});
