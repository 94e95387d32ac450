package dev.deliberate.medical.net;

/** The query/retrieve information model (PS3.4 C.6) a C-FIND or C-MOVE uses. */
public enum QueryModel {
    /** Patient root: PATIENT, STUDY, SERIES, IMAGE levels. */
    PATIENT_ROOT(Uids.PATIENT_ROOT_FIND, Uids.PATIENT_ROOT_MOVE),
    /** Study root: STUDY, SERIES, IMAGE levels. */
    STUDY_ROOT(Uids.STUDY_ROOT_FIND, Uids.STUDY_ROOT_MOVE);

    private final String find;
    private final String move;

    QueryModel(String find, String move) {
        this.find = find;
        this.move = move;
    }

    /** The FIND SOP class of the model. */
    public String findSopClass() {
        return find;
    }

    /** The MOVE SOP class of the model. */
    public String moveSopClass() {
        return move;
    }
}
