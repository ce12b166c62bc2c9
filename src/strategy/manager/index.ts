export { PLAN_CODES, PLAN_NOOP_CODES, PLAN_NOTE_CODES, PlanCodeSchema, type PlanCode, type PlanNoopCode, type PlanNoteCode } from "./codes.js";
export { planOrders } from "./plan-orders.js";
export type { OrderPlan, PlanInput, PlannedOrder, PlannedQuantity, PlanNote } from "./types.js";
