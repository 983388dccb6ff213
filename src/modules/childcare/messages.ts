/**
 * The childcare module's messages, merged into the catalogues of src/platform/i18n: French is the
 * reference; the English object must have the same keys (the compiler checks).
 */
export const childcareFr = {
  'childcare.nirec.label': 'Numéro d’inscription (NIREC)',
  'childcare.nirec.hint': '10 chiffres',
  'childcare.nirec.required': 'Inscrivez le NIREC de l’enfant.',
  'childcare.nirec.invalid': 'Le NIREC compte 10 chiffres.',
  'childcare.necsg.label': 'Numéro de l’enfant (NECSG)',
  'childcare.necsg.hint': '9 chiffres',
  'childcare.necsg.required': 'Inscrivez le NECSG de l’enfant.',
  'childcare.necsg.invalid': 'Le NECSG compte 9 chiffres.',
  'childcare.lastName.label': 'Nom de famille de l’enfant',
  'childcare.firstName.label': 'Prénom',
  'childcare.birthDate.label': 'Date de naissance',
  'childcare.search.notFound': 'Aucun enfant fréquentant vos installations ne correspond à cette recherche.',
  'childcare.search.notFoundHelp':
    'Si vous ne retrouvez pas l’enfant, assurez-vous que son dossier est à jour dans le logiciel de gestion du service de garde, puis transmettez ses informations au Ministère (synchronisation avec le CSG).',
  'childcare.allowance.missing': 'Vous ne pouvez pas créer une demande concernant la MES pour un enfant qui ne bénéficie pas de l’allocation pour l’intégration d’un enfant handicapé (AIEH) dans l’installation choisie.',
  'childcare.siteKind.installation': 'Installation',
  'childcare.siteKind.home_provider': 'Responsable d’un service de garde en milieu familial (RSGE)',
  'childcare.serviceKind.cpe': 'Centre de la petite enfance',
  'childcare.serviceKind.subsidized_daycare': 'Garderie subventionnée',
  'childcare.serviceKind.daycare': 'Garderie non subventionnée',
  'childcare.serviceKind.coordinating_office': 'Bureau coordonnateur',
  'childcare.divisionNumber': 'Numéro de division',
  'childcare.siteNumber.installation': 'Numéro d’installation',
  'childcare.siteNumber.home_provider': 'Numéro de reconnaissance de la RSGE',
  'childcare.directorate.contact': '{name} : {phone} ou, sans frais, {tollFree}',
} as const;

export const childcareEn: Record<keyof typeof childcareFr, string> = {
  'childcare.nirec.label': 'Registration number (NIREC)',
  'childcare.nirec.hint': '10 digits',
  'childcare.nirec.required': 'Enter the child’s NIREC.',
  'childcare.nirec.invalid': 'The NIREC has 10 digits.',
  'childcare.necsg.label': 'Child number (NECSG)',
  'childcare.necsg.hint': '9 digits',
  'childcare.necsg.required': 'Enter the child’s NECSG.',
  'childcare.necsg.invalid': 'The NECSG has 9 digits.',
  'childcare.lastName.label': 'Child’s last name',
  'childcare.firstName.label': 'First name',
  'childcare.birthDate.label': 'Date of birth',
  'childcare.search.notFound': 'No child attending your installations matches this search.',
  'childcare.search.notFoundHelp':
    'If you cannot find the child, make sure the child’s file is up to date in the childcare service’s management software, then send the child’s information to the Ministère (synchronization with the CSG).',
  'childcare.allowance.missing': 'You cannot create an MES request for a child who does not receive the allowance for the integration of a handicapped child (AIEH) at the chosen installation.',
  'childcare.siteKind.installation': 'Installation',
  'childcare.siteKind.home_provider': 'Home childcare provider (RSGE)',
  'childcare.serviceKind.cpe': 'Early childhood centre (CPE)',
  'childcare.serviceKind.subsidized_daycare': 'Subsidized daycare',
  'childcare.serviceKind.daycare': 'Non-subsidized daycare',
  'childcare.serviceKind.coordinating_office': 'Coordinating office',
  'childcare.divisionNumber': 'Division number',
  'childcare.siteNumber.installation': 'Installation number',
  'childcare.siteNumber.home_provider': 'RSGE recognition number',
  'childcare.directorate.contact': '{name}: {phone} or, toll free, {tollFree}',
};
