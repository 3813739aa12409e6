global using M3CoreCRM.Grains.Abstractions.Errors;
global using M3CoreCRM.Grains.Abstractions.Tenancy;
global using Orleans;
global using Orleans.Concurrency;
global using Orleans.Runtime;
global using M3CoreCRM.Grains.Abstractions.Events;
