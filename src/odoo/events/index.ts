export * from './scan-window';
export * from './events';
export * from './event-scanner';
export * from './mappers';
