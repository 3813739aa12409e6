namespace M3CoreCRM.Grains.Approvals;

/// <summary>
/// The latest approvals a subject (unit, deal, lead) applied, kept in its state: an approval finished again after a
/// crash finds itself there and applies nothing twice. Twenty is far more than can be in flight for one record.
/// </summary>
public static class AppliedApprovals
{
    private const int Kept = 20;

    public static void Remember(List<Guid> applied, Guid approvalId)
    {
        applied.Add(approvalId);
        if (applied.Count > Kept)
        {
            applied.RemoveAt(0);
        }
    }
}
