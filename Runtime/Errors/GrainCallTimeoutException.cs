namespace M3CoreCRM.Runtime.Errors;

/// <summary>A grain call did not finish within its timeout. The message names the grain and the method.</summary>
public sealed class GrainCallTimeoutException(string message) : TimeoutException(message);
