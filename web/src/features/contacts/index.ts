// The routes the app's router loads on demand (one chunk for the contacts and companies pages).
export { CompaniesListRoute } from './routes/companies-list';
export { CompanyDetailRoute } from './routes/company-detail';
export { CompanyEditRoute, CompanyNewRoute } from './routes/company-edit';
export { ContactDetailRoute } from './routes/contact-detail';
export { ContactEditRoute, ContactNewRoute } from './routes/contact-edit';
export { ContactsListRoute } from './routes/contacts-list';
