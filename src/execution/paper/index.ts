export { checkMatchingConfig, type FillIdSource, type PaperMatchingConfig } from "./matching-config.js";
export { fillMarketableLimit, fillMarketOrder, fillOnArrival, type OrderMatch } from "./market-order.js";
export { onPrice, positionKey, type HeldPositions, type PriceEventResult } from "./price-event.js";
export { remainingQuantity, takerPrice, WORKING_STATUSES } from "./order-fills.js";
