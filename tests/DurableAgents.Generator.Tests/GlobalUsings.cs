global using NUnit.Framework;
global using DurableAgents;
