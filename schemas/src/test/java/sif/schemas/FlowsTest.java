package sif.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.schemas.avro.NetworkFlow;

class FlowsTest {

    @Test
    void avroFeatureFieldsFollowFlowFeaturesOrder() {
        Schema s = NetworkFlow.getClassSchema();
        for (int i = 0; i < FlowFeatures.COUNT; i++) {
            FlowFeatures.Feature f = FlowFeatures.ALL.get(i);
            Schema.Field field = s.getField(f.fieldName());
            assertTrue(field != null, "NetworkFlow lacks field " + f.fieldName());
            assertEquals(Schema.Type.DOUBLE, field.schema().getType(), f.fieldName());
            assertEquals(7 + i, field.pos(), f.fieldName());
        }
    }

    @Test
    void featuresMatchFieldValuesByName() {
        NetworkFlow flow = TestRecords.networkFlow();
        double[] f = Flows.features(flow);
        float[] ff = Flows.featuresAsFloat(flow);
        assertEquals(FlowFeatures.COUNT, f.length);
        for (int i = 0; i < FlowFeatures.COUNT; i++) {
            int pos = NetworkFlow.getClassSchema().getField(FlowFeatures.ALL.get(i).fieldName()).pos();
            assertEquals((Double) flow.get(pos), f[i], 0.0, FlowFeatures.ALL.get(i).fieldName());
            assertEquals((float) f[i], ff[i], 0.0f);
            assertEquals(i * 1.5 + 0.25, f[i], 0.0);
        }
    }

    @Test
    void roundTripsFlowRecord() {
        FlowRecord r = TestRecords.flowRecord();
        NetworkFlow n = Flows.toAvro(r);
        assertEquals(r.flowId(), n.getFlowId());
        assertEquals(r.srcIp(), n.getSrcIp());
        assertEquals(54865, n.getSrcPort());
        assertEquals(443, n.getDstPort());
        assertEquals(6, n.getProtocol());
        assertEquals(1499171234000L, n.getEventTimeMs());
        assertEquals("BENIGN", n.getLabel());
        assertEquals(42L, n.getOriginLine());
        assertNull(n.getSensor());
        FlowRecord back = Flows.fromAvro(n);
        assertEquals(r.flowId(), back.flowId());
        assertEquals(r.srcIp(), back.srcIp());
        assertEquals(r.srcPort(), back.srcPort());
        assertEquals(r.dstIp(), back.dstIp());
        assertEquals(r.dstPort(), back.dstPort());
        assertEquals(r.protocol(), back.protocol());
        assertEquals(r.timestampMs(), back.timestampMs());
        assertArrayEquals(r.features(), back.features());
        assertEquals(r.label(), back.label());
        assertEquals(r.sourceFile(), back.sourceFile());
        assertEquals(r.line(), back.line());
    }

    @Test
    void keepsNanInfinityAndAbsentLine() {
        double[] f = new double[FlowFeatures.COUNT];
        f[13] = Double.NaN;
        f[14] = Double.POSITIVE_INFINITY;
        FlowRecord r = new FlowRecord("id", "1.1.1.1", -1, "2.2.2.2", 80, -1, -1, f, null, null, -1);
        NetworkFlow n = Flows.toAvro(r);
        assertNull(n.getOriginLine());
        assertNull(n.getLabel());
        double[] back = Flows.features(n);
        assertTrue(Double.isNaN(back[13]));
        assertEquals(Double.POSITIVE_INFINITY, back[14]);
        assertEquals(-1L, Flows.fromAvro(n).line());
    }

    @Test
    void rejectsFlowWithoutSourceAddress() {
        double[] f = new double[FlowFeatures.COUNT];
        FlowRecord r = new FlowRecord("id", null, -1, null, 80, -1, -1, f, "BENIGN", "x.csv", 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Flows.toAvro(r));
        assertTrue(e.getMessage().contains("source IP"), e.getMessage());
    }
}
