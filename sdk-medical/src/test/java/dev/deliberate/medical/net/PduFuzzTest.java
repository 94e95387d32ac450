package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.TransferSyntax;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The association and command decoders on mutated input: a typed protocol error or a valid result, nothing else. */
class PduFuzzTest {
    private static final AssociationRequest RQ = new AssociationRequest(AeTitle.of("FUZZSCU"), AeTitle.of("FUZZSCP"),
            List.of(new PresentationContext(1, Uids.VERIFICATION, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid())),
                    new PresentationContext(3, "1.2.840.10008.5.1.4.1.1.2", List.of(
                            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid()))),
            List.of(new RoleSelection("1.2.840.10008.5.1.4.1.1.2", true, false)));

    @Test
    void aValidRequestDecodesToWhatWasEncoded() {
        byte[] pdu = Pdus.associateRq(RQ, 32768, 1);
        Pdus.Associate a = Pdus.decodeAssociate(Arrays.copyOfRange(pdu, 6, pdu.length), pdu.length - 6, false);
        assertEquals("FUZZSCP", a.called());
        assertEquals("FUZZSCU", a.calling());
        assertEquals(Uids.APPLICATION_CONTEXT, a.applicationContext());
        assertEquals(RQ.contexts(), a.proposed());
        assertEquals(RQ.roles(), a.roles());
        assertEquals(32768, a.maxPduLength());
        assertEquals(dev.deliberate.medical.dicom.DicomWriter.IMPLEMENTATION_CLASS_UID, a.implementationClassUid());
    }

    @Test
    void mutatedAssociationRequestsFailOnlyWithProtocolErrors() {
        byte[] pdu = Pdus.associateRq(RQ, 32768, 1);
        byte[] body = Arrays.copyOfRange(pdu, 6, pdu.length);
        Random random = new Random(20261201L);
        int rejected = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] b = body.clone();
            int flips = 1 + random.nextInt(4);
            for (int k = 0; k < flips; k++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(10) == 0 ? random.nextInt(b.length + 1) : b.length;
            try {
                Pdus.decodeAssociate(b, length, random.nextBoolean());
            } catch (DicomProtocolException e) {
                rejected++;
            }
        }
        assertTrue(rejected > 250, "mutations are mostly caught: " + rejected);
    }

    @Test
    void mutatedCommandsFailOnlyWithProtocolErrors() {
        byte[] cmd = new Command().setUid(Command.AFFECTED_SOP_CLASS, "1.2.840.10008.5.1.4.1.1.2")
                .setUS(Command.COMMAND_FIELD, Command.C_STORE_RQ).setUS(Command.MESSAGE_ID, 9)
                .setUS(Command.PRIORITY, 0).setUS(Command.DATASET_TYPE, 0)
                .setUid(Command.AFFECTED_SOP_INSTANCE, "2.25.1").encode();
        Command ok = Command.decode(cmd, cmd.length);
        assertEquals(Command.C_STORE_RQ, ok.commandField());
        assertEquals("2.25.1", ok.getString(Command.AFFECTED_SOP_INSTANCE).orElseThrow());
        Random random = new Random(7L);
        for (int i = 0; i < 5_000; i++) {
            byte[] b = cmd.clone();
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            int length = random.nextInt(8) == 0 ? random.nextInt(b.length + 1) : b.length;
            try {
                Command c = Command.decode(b, length);
                c.getUS(Command.COMMAND_FIELD);
                c.getString(Command.AFFECTED_SOP_INSTANCE);
                c.status();
            } catch (DicomProtocolException e) {
                // the typed error, as required
            }
        }
        assertThrows(DicomProtocolException.class, () -> Command.decode(new byte[] {0, 0, 0, 1, 9, 9, 9, 9}, 8));
    }
}
