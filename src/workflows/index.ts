export { calendarPush, courseSectionsPush } from './calendar-push.js';
export { catalogPush } from './catalog-push.js';
export { coursePush } from './course-push.js';
export { masterPush } from './master-push.js';
export { notifications } from './notifications.js';
