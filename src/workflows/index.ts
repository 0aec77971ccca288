export { calendarPush, courseSectionsPush } from './calendar-push.js';
export { coursePush } from './course-push.js';
