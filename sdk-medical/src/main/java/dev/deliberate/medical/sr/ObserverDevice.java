package dev.deliberate.medical.sr;

import java.util.Objects;
import java.util.Optional;

/**
 * The device that made a report (TID 1004 Device Observer Identifying Attributes): for reports written by a model, the
 * model and the software running it.
 *
 * @param uid          Device Observer UID (121012), required
 * @param name         Device Observer Name (121013), e.g. the model name
 * @param manufacturer Device Observer Manufacturer (121014)
 * @param modelName    Device Observer Model Name (121015)
 * @param serialNumber Device Observer Serial Number (121016), e.g. the model file's hash
 */
public record ObserverDevice(String uid, Optional<String> name, Optional<String> manufacturer,
        Optional<String> modelName, Optional<String> serialNumber) {

    /** Validates. */
    public ObserverDevice {
        Objects.requireNonNull(uid, "uid");
        if (!uid.matches("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*") || uid.length() > 64) {
            throw new IllegalArgumentException("not a valid UID: " + uid);
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(manufacturer, "manufacturer");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(serialNumber, "serialNumber");
    }

    /** A device with a UID and a name. */
    public static ObserverDevice of(String uid, String name) {
        return new ObserverDevice(uid, Optional.of(name), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** This device with a manufacturer. */
    public ObserverDevice withManufacturer(String value) {
        return new ObserverDevice(uid, name, Optional.of(value), modelName, serialNumber);
    }

    /** This device with a model name. */
    public ObserverDevice withModelName(String value) {
        return new ObserverDevice(uid, name, manufacturer, Optional.of(value), serialNumber);
    }

    /** This device with a serial number. */
    public ObserverDevice withSerialNumber(String value) {
        return new ObserverDevice(uid, name, manufacturer, modelName, Optional.of(value));
    }
}
