//! Where a replication's records go as it plays: the engine pushes each call and assignment
//! record once it is final, in table order, so a long run need not hold them all.

use super::{
    Assignment, CallRecord, CordonCrewRecord, ReplicationOutput, SealingRecord, UnitRecord,
};

/// Receives one replication's records. Calls arrive in call-id order, assignments in the
/// order they were made, each once it can no longer change; `finish` comes last, once.
pub trait RecordSink {
    /// A counted call, final.
    fn call(&mut self, record: CallRecord);
    /// A unit sent to a call, final (cleared, pre-empted, or open at the horizon).
    fn assignment(&mut self, record: Assignment);
    /// The units' ledgers, the sealing-ring measurements and the cordon crews, at the horizon.
    fn finish(
        &mut self,
        units: Vec<UnitRecord>,
        sealings: Vec<SealingRecord>,
        cordon_crews: Vec<CordonCrewRecord>,
    );
}

/// Keeps everything: the whole replication in memory.
impl RecordSink for ReplicationOutput {
    fn call(&mut self, record: CallRecord) {
        self.calls.push(record);
    }

    fn assignment(&mut self, record: Assignment) {
        self.assignments.push(record);
    }

    fn finish(
        &mut self,
        units: Vec<UnitRecord>,
        sealings: Vec<SealingRecord>,
        cordon_crews: Vec<CordonCrewRecord>,
    ) {
        self.units = units;
        self.sealings = sealings;
        self.cordon_crews = cordon_crews;
    }
}
