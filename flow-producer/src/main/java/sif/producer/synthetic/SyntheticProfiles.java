package sif.producer.synthetic;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import sif.flows.FlowFeatures;

/** Loads the class profiles fitted by {@link ProfileFitter}. */
public final class SyntheticProfiles {

    /** The profile shipped with SIF, fitted on the real CICIDS2017 rows in ../shared/data. */
    public static final String BUILT_IN = "/sif/producer/synthetic/cicids2017-profiles.json";

    private SyntheticProfiles() {}

    public static List<ClassProfile> builtIn() {
        try (InputStream in = SyntheticProfiles.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("built-in synthetic profile " + BUILT_IN + " is missing from the classpath");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in synthetic profile " + BUILT_IN, e);
        }
    }

    static List<ClassProfile> read(InputStream in) throws IOException {
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        JsonNode doc = mapper.readTree(in);
        List<String> features = mapper.convertValue(doc.get("features"),
                mapper.getTypeFactory().constructCollectionType(List.class, String.class));
        if (!features.equals(FlowFeatures.csvNames())) {
            throw new IllegalStateException("synthetic profile was fitted on another feature list: " + features);
        }
        List<ClassProfile> out = new ArrayList<>();
        for (JsonNode c : doc.get("classes")) {
            out.add(mapper.treeToValue(c, ClassProfile.class));
        }
        return out;
    }
}
