/* A minimal static program: the launcher tests only need a valid static ELF to pass as APP. */
int main(void) {
    return 0;
}
