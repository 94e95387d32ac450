package dev.deliberate.medical.net;

/** The query/retrieve information model (PS3.4 C.6) a C-FIND, C-MOVE or C-GET uses. */
public enum QueryModel {
    /** Patient root: PATIENT, STUDY, SERIES, IMAGE levels. */
    PATIENT_ROOT(Uids.PATIENT_ROOT_FIND, Uids.PATIENT_ROOT_MOVE, Uids.PATIENT_ROOT_GET),
    /** Study root: STUDY, SERIES, IMAGE levels. */
    STUDY_ROOT(Uids.STUDY_ROOT_FIND, Uids.STUDY_ROOT_MOVE, Uids.STUDY_ROOT_GET);

    private final String find;
    private final String move;
    private final String get;

    QueryModel(String find, String move, String get) {
        this.find = find;
        this.move = move;
        this.get = get;
    }

    /** The GET SOP class of the model. */
    public String getSopClass() {
        return get;
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
